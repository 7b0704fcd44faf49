"""A webhook receiver for workflow: verify, then publish on approval.

    WORKFLOW_WEBHOOK_SECRET=whsec_… python3 webhook_receiver.py 9000 workflow publish
"""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

KEY = base64.b64decode(os.environ["WORKFLOW_WEBHOOK_SECRET"].removeprefix("whsec_"))
PORT, COMMAND = int(sys.argv[1]), sys.argv[2:]
seen = set()  # delivery is at least once: an id seen before is not acted on again


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        msg_id, stamp = self.headers["webhook-id"], self.headers["webhook-timestamp"]
        signed = f"{msg_id}.{stamp}.".encode() + body
        expected = base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()
        given = [s.partition(",")[2] for s in self.headers["webhook-signature"].split()]
        fresh = abs(time.time() - int(stamp)) < 300
        if not fresh or not any(hmac.compare_digest(expected, s) for s in given):
            self.send_response(401)
            self.end_headers()
            return
        event = json.loads(body)
        if msg_id not in seen and event["type"] == "article.approved" and COMMAND:
            subprocess.run(COMMAND, check=False)  # e.g. workflow publish
        seen.add(msg_id)
        self.send_response(204)
        self.end_headers()


HTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()

"""The desk working together: assignments, comments, notifications and their delivery."""

"""Clients' files: applications and their questionnaires, submission, documents, linking, requests."""

"""The notification mails: approval requests and sender notices, in Japanese and English."""

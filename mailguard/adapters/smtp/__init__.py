"""SMTP in: the aiosmtpd protocol, the MAIL/RCPT/DATA handler, users and the listeners."""

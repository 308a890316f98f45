"""Where delivered mail goes: an SMTP upstream (aiosmtplib) or a Maildir, behind ``Transport``."""

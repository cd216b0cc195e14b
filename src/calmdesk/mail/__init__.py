"""E-mail in and out: a complaints mailbox read over IMAP turned into cases
(:mod:`calmdesk.mail.intake`, :mod:`calmdesk.mail.imap`), and notices to the customer sent over
SMTP from the playbook's templates (:mod:`calmdesk.mail.notices`, :mod:`calmdesk.mail.send`).

Above :mod:`calmdesk.cases`: it creates and updates cases through the cases service only, and
owns its tables (``mail_messages``, ``mail_attachments``, ``mail_notices``, ``mail_state``) and
their migration branch ``mail``.
"""

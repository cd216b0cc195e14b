"""A customer's personal data across every domain: export it and erase it.

A customer is named by a phone number, an e-mail address or a ``platform:handle``, in any
spelling (:mod:`calmdesk.analysis.contact_keys`). Their records are the cases recorded for that
contact, the live contacts and public posts that mention it, and everything linked to those: the
contact a case came from, the cases recorded from a contact, a post's case and the posts of a
case.
"""

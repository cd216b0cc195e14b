"""Accounts, roles, passwords, API tokens and the web session.

``models`` (User, ApiToken, Role), ``service`` (the verbs), ``permissions`` (who may do what),
``deps`` (FastAPI dependencies), ``sessions`` (the signed cookie), ``views`` (the API).
"""

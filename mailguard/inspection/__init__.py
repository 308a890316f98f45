"""Bytes and an envelope in, findings and a decision out: parsing, file formats, names, checks
and the policy. Pure: no event loop, socket or store, so the same code runs in the relay, in an
inspection process, in ``mailguard check`` and in a unit test.
"""

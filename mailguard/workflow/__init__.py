"""A message's workflow around the decision: intake (verdict to stored state), approval,
notification and delivery rules, written against the ports in ``workflow.ports`` (the store
and the upstream transport) and never against a concrete database, socket or web framework.
"""

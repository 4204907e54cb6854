"""The lifecycle of an ANI.

- ``status``: the statuses and the rules that end a pause or a rest (pure).
- ``changes``: every status change and its history entry; pause, activation and rest by hand.
- ``health``: the burned-number check; ``health_timer`` runs it periodically.
- ``history``: the status history.
- ``service``: remediation requests and changes scheduled for later, with their timer.
- ``models``: the wire shapes.

Its SQL is in ``store/lifecycle.py``, its routes in ``http/lifecycle.py``.
"""

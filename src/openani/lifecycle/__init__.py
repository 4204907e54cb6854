"""The lifecycle of an ANI: its status and the rules that end a pause or a rest (``status``),
every change and its history entry (``changes``), pause, activation and rest by hand
(``changes``), the burned-number check (``health``), the status history (``history``),
remediation requests and changes scheduled for later (``service``). Its SQL is in
``store/lifecycle.py``, its routes in ``http/lifecycle.py``."""

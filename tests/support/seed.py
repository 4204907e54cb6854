"""The seed's dial-results callback, written out as the seed document gives it.

Tests spell the GUIDs out instead of importing them from openani, so that a typo in the
service's own table cannot pass its tests.
"""

CALLBACK = "/api/595F21A2-84D1-4984-818E-3758A8485CC8.php"
COMPANY = "0504bd2b-f9eb-4a72-b497-7c8cac8692a0"
CAMPAIGN = "ec4e634b-aa92-4859-9d16-46aece2b780b"
AGENT = "1eb3164f-2157-43d9-9aa8-ed1e20e97fa7"
ANI = "0be372ee-d1bf-42a4-8891-dbc5ee547a7c"
CALL_ID = "ddb195b9-1f3d-4775-a9b7-fcf9d7c46583"
DISPO = "e8ca4a68-d96e-4be8-8ac1-1114fec52cde"
PHONE = "12929e99-3266-4350-b2c8-592119ffd558"
CALL_TIME = "9a1f5867-157f-4620-ae43-b824bc4d81ee"
TYPE_OR_DURATION = "6be80ae8-72b5-4ac6-8871-c54fdce3ebbf"
ZIP = "82d8779e-ce8f-4e8c-928f-280a45fe1c02"
ATTEMPTS = "1ac05504-659d-4e8c-ad1d-c4d2da3ab1be"

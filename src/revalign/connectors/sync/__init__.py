"""Two-way sync machinery shared by the Salesforce and HubSpot connectors.

seam.py       what a connector is: pull pages of foreign records, push field updates
snapshot.py   a foreign record in revalign's words (what translators consume)
store.py      identity map, per-object cursors and last known field values (SQL)
ownership.py  the contract's field ownership: who wins a field
translate.py  snapshots -> revalign source events (with identity, echo and conflicts)
outbox.py     ledger events after a checkpoint -> field updates for one system
retry.py      rate limits and transient errors: backoff with an injected sleeper
runner.py     one sync pass: pull every object, then push the outbox (resumable)
reconcile.py  revalign vs the foreign system, record by record
"""

"""Notices reach people: SLA warnings, breaches and escalations by webhook and e-mail.

notices.py  pure: which events are notices, who receives them, the delivery key
webhook.py  signed Slack-compatible JSON over HTTP(S) (and `verify` for receivers)
mail.py     e-mail over SMTP
deliver.py  one at-least-once, deduplicated delivery pass over the ledger tail
worker.py   the loop: tick the clocks, deliver, wait
"""

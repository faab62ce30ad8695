"""Salesforce: Lead, Contact, Account, Opportunity (+ history), Task/Event, CampaignMember."""

"""HubSpot: contacts, companies, deals, engagements, forms and e-mail events, both ways."""

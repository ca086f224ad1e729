"""Reminders of deadlines (baseline due, improvement window closing, plan of approach
due, production-location list due, confidentiality agreement expiring), each sent once by
mail and shown in the platform."""

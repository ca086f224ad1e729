"""Tables of the reminders."""

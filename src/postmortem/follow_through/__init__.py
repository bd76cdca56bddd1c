"""Follow-through (issue #8): reminders on tracking issues, the digest, the 30-day follow-up review and the
timeline written from the incident issue's comments. Pure functions only; the handlers read and apply."""

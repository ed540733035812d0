"""The shared kernel every feature builds on: errors, the clock, locks, the audit
trail's writer, permissions, the acting staff member, the district, masking."""

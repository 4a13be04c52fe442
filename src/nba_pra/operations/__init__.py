"""Running the project unattended: the project lock, the day's job schedule, scheduled jobs."""

"""The pages of the outbox and the job runner: an association's mail, the background jobs."""

"""The desk's side of the link: the outbox worker, the hub client, the supervisor's figures."""

"""A generated province written through the services (issue 12): real divisions, seeded plan, HTTP."""

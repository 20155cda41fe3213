"""What every app shares and no app owns: the Celery task policy and PostgreSQL advisory
locks. Imports no app; every app may import it."""

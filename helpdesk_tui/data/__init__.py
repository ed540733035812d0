"""The database layer: tables, engine, migrations, demo district. Knows nothing of Textual."""

"""Party members: records, transfers, leaving, personal data, import and export."""

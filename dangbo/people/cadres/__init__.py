"""Cadres (công tác cán bộ): records, planning, rotation and appointment."""

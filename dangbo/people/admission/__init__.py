"""Admission (phát triển đảng viên): candidates through the stages of the rules in force."""

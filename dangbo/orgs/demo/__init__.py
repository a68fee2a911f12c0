"""The Đông Hà (Quảng Trị) demonstration data: ``python manage.py load_demo``.

``plan`` computes the whole demo as plain data from a fixed seed (``names`` and ``dongha``
hold the raw material); ``loader`` writes it once and keeps the demo accounts working.
"""

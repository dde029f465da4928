"""The JSON API (Django REST framework): studies, results, the pcf-study/1 export, the
workflow and comments. Every object comes from the same scoped selectors as the pages."""

"""Data requests (issue 15): the certification body asks the company for activity data, the
company supplies it (in the browser, by workbook or by API), the auditor accepts or rejects
each value; only accepted values enter the calculation (docs/data-requests.md)."""

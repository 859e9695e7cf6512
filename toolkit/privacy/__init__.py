"""Officers' personal data as Luật Bảo vệ dữ liệu cá nhân (91/2025/QH15) asks: the notices and consent, a
person's own data (see, download, correct, delete), retention, and the record of processing.

`settings` (retention period, who is responsible), `notices` (what each page says before it stores a
name), `subject` (one person's data and its deletion), `retention` (everything older than the period),
`record` (which columns are personal, and `toolkit privacy report`). SQL lives in toolkit.storage.personal.
"""

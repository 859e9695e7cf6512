"""Bộ công cụ PBGDPL: dữ liệu các kế hoạch phổ biến, giáo dục pháp luật; học tập, kiểm tra và tự đánh giá."""

__version__ = "0.1.0"

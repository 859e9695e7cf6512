"""Bộ công cụ PBGDPL: dữ liệu Kế hoạch 241/KH-UBND, học tập, kiểm tra và tự đánh giá."""

__version__ = "0.1.0"

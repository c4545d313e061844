"""Printing the citizen's slip (phiếu xác nhận): laid out from domain values, drawn to a PDF or
to ESC/POS receipt commands, and sent to a printer. Knows no database and no screen."""

"""IMS QTI 2.1/2.2 question import: items become bank questions through the same all-or-nothing write as the
XLSX import.

`archive` reads an uploaded .xml item or .zip content package safely and lists its item files; `safexml` parses
without entities or network; `items` maps one assessmentItem onto a question row or says why it cannot;
`load` puts them together and checks the package as a whole.
"""

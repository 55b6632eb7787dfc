"""The first upload handler of every request (settings.FILE_UPLOAD_HANDLERS): it counts each file's
bytes as they arrive, and a file over EVIDENCE_MAX_FILE_BYTES, or past EVIDENCE_MAX_ASSESSMENT_BYTES in
one request, is cut off there and skipped: the rest of it is read and thrown away, never kept whole in
memory or in a temporary file. The names of the files so refused are left on the request
(`request.oversized_uploads`: (name, "file" or "request")) for the view to name them."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.request_total = 0
        if request is not None:
            request.oversized_uploads = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        self.request_total += len(raw_data)
        over = ("file" if self.received > settings.EVIDENCE_MAX_FILE_BYTES
                else "request" if self.request_total > settings.EVIDENCE_MAX_ASSESSMENT_BYTES else None)
        if over:
            if self.request is not None:
                oversized = self.request.oversized_uploads  # type: ignore[attr-defined]
                oversized.append((self.file_name or "", over))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) hands over the file

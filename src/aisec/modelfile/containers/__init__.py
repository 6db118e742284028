"""Container readers: zip, tar, 7z and single-stream compression.

Each reader turns one container blob into :class:`~aisec.modelfile.containers.member.Member`
objects and records what is odd about the container on a
:class:`~aisec.modelfile.reports.ContainerReport`. Readers never extract to disk, never
follow links and bound every decompression; stored data comes back as zero-copy windows.
"""

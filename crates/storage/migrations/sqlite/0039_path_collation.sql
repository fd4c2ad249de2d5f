-- The PostgreSQL twin declares the later tables' path columns COLLATE "C" so that subtree ranges
-- follow byte order; SQLite already compares text bytewise, so nothing changes here.
SELECT 1;

-- Every seed cell arrives as written, on every engine: the empty cell as NULL (not the text 'None'),
-- apostrophes, quotes and backslashes kept. Returns the rows that did not.
select case_name, text_value, expected_length
from {{ ref('engine_literals') }}
where
    (expected_length is null and text_value is not null)
    or (expected_length is not null and coalesce(length(text_value), -1) <> expected_length)

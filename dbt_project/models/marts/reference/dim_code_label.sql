-- Every code a user can see with its Chinese and English label (seed code_labels), published so the
-- dashboard and the reports label statuses, event types, record kinds, mechanism components, scopes
-- and the rest from one place.
with

labels as (

    select * from {{ ref('code_labels') }}

)

select
    domain,
    code,
    sort_order,
    label_zh,
    label_en
from labels

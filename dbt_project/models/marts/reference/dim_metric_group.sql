-- Which metrics a page or report shows together, in order (seed metric_groups): the headline
-- measures, the joint / temporary / sampling groups, the credit classes and the on-time rate per event
-- type (member_code = the class or the event type).
with

groups as (

    select * from {{ ref('metric_groups') }}

)

select
    group_code,
    metric_code,
    position,
    member_code
from groups

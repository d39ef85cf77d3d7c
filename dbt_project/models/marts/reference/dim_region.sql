-- The city and its county-level divisions (行政区划) for labels, filters and the map: the city itself
-- (region_code = var city_region_code, is_city) and every division whose parent is the city.
with

jurisdictions as (

    select * from {{ ref('stg_platform__jurisdiction') }}

)

select
    region_code,
    region_name,
    region_kind,
    parent_code,
    region_code = '{{ var("city_region_code") }}' as is_city
from jurisdictions
where region_code = '{{ var("city_region_code") }}'
    or parent_code = '{{ var("city_region_code") }}'

-- Every unit a figure can belong to, with the names users read (one place for them): the whole city
-- (scope city), each county-level division and the city-level departments together (scope region;
-- region = the city code is 市本级) and each department (scope department). Keyed by (scope,
-- unit_code) like the metric and score marts; unit_kind_* is the scope's label (城市 / 县区 / 部门).
with

regions as (

    select * from {{ ref('dim_region') }}

),

departments as (

    select * from {{ ref('dim_department') }}

),

names_en as (

    select * from {{ ref('region_names_en') }}

),

labels as (

    select * from {{ ref('code_labels') }}

),

unit_names as (

    select code, label_zh, label_en from labels where domain = 'unit_name'

),

scope_labels as (

    select code, label_zh, label_en from labels where domain = 'scope'

),

region_units as (

    select
        'region' as scope,
        regions.region_code as unit_code,
        cast(null as string) as dept_code,
        regions.region_code,
        case when regions.is_city then city_level.label_zh else regions.region_name end as unit_name_zh,
        case when regions.is_city then city_level.label_en else coalesce(names_en.region_name_en, regions.region_name) end
            as unit_name_en,
        cast(null as boolean) as is_member,
        -- 市本级 first, then the divisions by code
        case when regions.is_city then 0 else 1 end as sort_group
    from regions
    left join names_en
        on regions.region_code = names_en.region_code
    cross join (select * from unit_names where code = 'city_level') as city_level

),

city_unit as (

    select
        'city' as scope,
        '{{ var("city_region_code") }}' as unit_code,
        cast(null as string) as dept_code,
        '{{ var("city_region_code") }}' as region_code,
        whole_city.label_zh as unit_name_zh,
        whole_city.label_en as unit_name_en,
        cast(null as boolean) as is_member,
        -1 as sort_group
    from (select * from unit_names where code = 'whole_city') as whole_city

),

-- the city and the regions have no short names: their names are short already
areas as (

    select * from city_unit
    union all
    select * from region_units

),

named as (

    select
        scope,
        unit_code,
        dept_code,
        region_code,
        unit_name_zh,
        unit_name_en,
        unit_name_zh as unit_short_name_zh,
        unit_name_en as unit_short_name_en,
        is_member,
        sort_group
    from areas
    union all
    select
        'department' as scope,
        dept_code as unit_code,
        dept_code,
        region_code,
        dept_name as unit_name_zh,
        -- the platform has Chinese names only: a department keeps its proper name in English
        dept_name as unit_name_en,
        dept_short_name as unit_short_name_zh,
        dept_short_name as unit_short_name_en,
        is_member,
        2 as sort_group
    from departments

),

final as (

    select
        named.scope,
        named.unit_code,
        named.dept_code,
        named.region_code,
        named.unit_name_zh,
        named.unit_name_en,
        named.unit_short_name_zh,
        named.unit_short_name_en,
        region_unit.unit_name_zh as region_name_zh,
        region_unit.unit_name_en as region_name_en,
        scope_labels.label_zh as unit_kind_zh,
        scope_labels.label_en as unit_kind_en,
        named.is_member,
        row_number() over (
            order by named.sort_group, named.region_code nulls last, named.unit_code
        ) as sort_order
    from named
    left join region_units as region_unit
        on named.region_code = region_unit.region_code
        and named.scope <> 'city'
    left join scope_labels
        on named.scope = scope_labels.code

)

select * from final

-- 随机抽取 / 随机匹配: random_draw_share (int_metric_records__draws) and random_match_share
-- (int_metric_records__matches), both attributed to the task's lead department and year. The rules
-- live in the record models; this mart counts their records at every scope and grain
-- (macro metric_from_records).
with

draw_records as (

    select * from {{ ref('int_metric_records__draws') }}

),

match_records as (

    select * from {{ ref('int_metric_records__matches') }}

),

random_draws as (
    {{ metric_from_records('draw_records', 'random_draw_share') }}
),

random_matches as (
    {{ metric_from_records('match_records', 'random_match_share') }}
),

unioned as (

    select * from random_draws
    union all
    select * from random_matches

),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from unioned

)

select * from final

// Only the chart types the dashboard draws are registered: the bundle stays small on a slow phone.
import { BarChart, GaugeChart, PieChart, TreemapChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([
  BarChart,
  GaugeChart,
  PieChart,
  TreemapChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
])

export { echarts }
export type ChartOption = Parameters<echarts.ECharts['setOption']>[0]

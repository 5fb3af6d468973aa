/** The report's CSV for Brazilian Excel (utils/report-csv.ts): BOM, `;`, quoting, formula guard, pt-BR cells. */
import { describe, expect, it } from 'vitest'
import { REPORT_CSV_COLUMNS } from '../../constants/reports.ts'
import { CSV_BOM, csvField, csvLine, csvPhone, reportCsv, reportCsvCells } from '../../utils/report-csv.ts'
import type { ReportTicketRow } from '../../utils/report-types.ts'

const row: ReportTicketRow = {
  ticket_id: '00000000-0000-4000-f000-000000000001',
  number: 1001,
  status: 'closed',
  created_at: '2019-06-04T12:00:00Z',
  closed_at: '2019-06-04T12:33:00.5Z',
  contact_id: 'c',
  contact_name: 'Conceição "Ceiça" Araújo',
  contact_phone: '5511987654321',
  channel_id: 'ch',
  channel_name: 'Atendimento Principal',
  team_id: 't',
  team_name: 'Suporte Técnico',
  agent_id: 'a',
  agent_name: 'Carla Técnica',
  classification_name: 'Dúvida resolvida',
  closing_comment: 'Linha 1; linha 2\nfim',
  closed_by_bot: false,
  wait_seconds: 120.4,
  first_response_seconds: 30,
  handle_seconds: 1800,
  rating: 10,
}

describe('CSV fields', () => {
  it('quotes separators, quotes and line breaks, and leaves plain text alone', () => {
    expect(csvField('simples')).toBe('simples')
    expect(csvField('a;b')).toBe('"a;b"')
    expect(csvField('diz "oi"')).toBe('"diz ""oi"""')
    expect(csvField('um\ndois')).toBe('"um\ndois"')
    expect(csvField(null)).toBe('')
    expect(csvField(42)).toBe('42')
    expect(csvLine(['a', 1, null, 'b;c'])).toBe('a;1;;"b;c"')
  })

  it('keeps text from becoming a spreadsheet formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"')
    expect(csvField('+55 11')).toBe('\'+55 11')
    expect(csvField('-1')).toBe('\'-1')
    expect(csvField('@soma')).toBe('\'@soma')
    expect(csvField(-1)).toBe('-1')
  })

  it('writes phones so Excel keeps them as text', () => {
    expect(csvPhone('5511987654321')).toBe('55 11 98765-4321')
    expect(csvPhone(null)).toBe('')
  })
})

describe('the report CSV', () => {
  it('starts with the BOM and the pt-BR headers, separated by ;', () => {
    const csv = reportCsv([], 'America/Sao_Paulo')
    expect(csv.startsWith(CSV_BOM)).toBe(true)
    expect(csv).toBe(`${CSV_BOM}${REPORT_CSV_COLUMNS.map(column => column.header).join(';')}\r\n`)
    expect(csv).toContain('Número;Contato;Telefone;Conexão;Equipe;Técnico;Status;Aberto em;Encerrado em;Espera (s)')
  })

  it('writes a ticket in the company time zone with whole seconds', () => {
    expect(reportCsvCells(row, 'America/Sao_Paulo')).toEqual([
      1001, 'Conceição "Ceiça" Araújo', '55 11 98765-4321', 'Atendimento Principal', 'Suporte Técnico', 'Carla Técnica', 'Encerrado',
      '04/06/2019 09:00:00', '04/06/2019 09:33:00', 120, 30, 1800, 'Não', 'Dúvida resolvida', 'Linha 1; linha 2\nfim', 10,
    ])
    const lines = reportCsv([row], 'America/Sao_Paulo').split('\r\n')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toBe('1001;"Conceição ""Ceiça"" Araújo";55 11 98765-4321;Atendimento Principal;Suporte Técnico;Carla Técnica;Encerrado;'
      + '04/06/2019 09:00:00;04/06/2019 09:33:00;120;30;1800;Não;Dúvida resolvida;"Linha 1; linha 2\nfim";10')
    expect(lines[2]).toBe('')
  })

  it('leaves empty what a ticket does not have yet', () => {
    const open = { ...row, status: 'open' as const, closed_at: null, handle_seconds: null, rating: null, classification_name: null, closing_comment: null, team_name: null }
    const cells = reportCsvCells(open, 'America/Sao_Paulo')
    expect(cells.slice(4, 9)).toEqual(['', 'Carla Técnica', 'Em andamento', '04/06/2019 09:00:00', ''])
    expect(cells.slice(11)).toEqual([null, '', '', '', null])
  })
})

/**
 * The controls beside the phone: who the customer is and which connection they write to, the Evolution
 * instances (QR code and "Escanear QR"), the Cloud API numbers, the test-mode faults and the latest
 * webhook attempts.
 */
import type { Faults, InstanceView, LogEntry, SendFailureMode, SimulatorStateView } from '../types.ts'
import { api } from './api.ts'
import { h, replaceChildren } from './dom.ts'
import { STATE_LABELS, formatPhone, formatTime } from './format.ts'
import { icon } from './icons.ts'

export interface CustomerSettings {
  target: string | null
  phone: string
  name: string
  readReceipts: boolean
}

export interface PanelHandlers {
  customerChanged: (settings: CustomerSettings) => void
  notify: (text: string, isError?: boolean) => void
}

const FAILURE_MODES: Array<[SendFailureMode, string]> = [
  ['http500', 'Erro 500 do provedor'],
  ['timeout', 'Sem resposta (timeout)'],
  ['outage', 'Conexão recusada'],
  ['not_on_whatsapp', 'Número sem WhatsApp'],
  ['cloud_131047', 'Cloud: fora da janela de 24 h (131047)'],
]

export class Panel {
  private readonly targetSelect: HTMLSelectElement
  private readonly phoneInput: HTMLInputElement
  private readonly nameInput: HTMLInputElement
  private readonly receiptsInput: HTMLInputElement
  private readonly instancesList: HTMLElement
  private readonly numbersList: HTMLElement
  private readonly faultsBox: HTMLElement
  private readonly logList: HTMLElement
  private readonly scanPhones = new Map<string, string>()
  private instancesSignature = ''
  private faultsSignature = ''
  private state: SimulatorStateView | null = null

  constructor(root: HTMLElement, private settings: CustomerSettings, private readonly handlers: PanelHandlers) {
    this.targetSelect = h('select', { 'class': 'input', 'id': 'target', 'data-testid': 'target-select' })
    this.phoneInput = h('input', { class: 'input', type: 'tel', id: 'customer-phone', value: settings.phone, inputmode: 'numeric', autocomplete: 'off' })
    this.nameInput = h('input', { class: 'input', type: 'text', id: 'customer-name', value: settings.name, autocomplete: 'off' })
    this.receiptsInput = h('input', { type: 'checkbox', id: 'read-receipts', checked: settings.readReceipts })
    for (const input of [this.targetSelect, this.phoneInput, this.nameInput, this.receiptsInput]) input.addEventListener('change', () => this.emitSettings())
    this.instancesList = h('div', { 'data-testid': 'instances' })
    this.numbersList = h('div', { 'data-testid': 'numbers' })
    this.faultsBox = h('div')
    this.logList = h('ul', { 'class': 'log', 'data-testid': 'webhook-log' })

    const columns = h('div', { class: 'panel-columns' })
    root.append(columns)
    columns.append(
      h('section', { 'class': 'card', 'aria-labelledby': 'conversa-titulo' },
        h('h2', { id: 'conversa-titulo' }, icon('chat'), 'Conversa'),
        h('p', { class: 'hint' }, 'Você é o cliente. Escolha para qual conexão do Atende escrever; as respostas dos atendentes chegam ao celular ao vivo.'),
        h('div', { class: 'grid' },
          h('label', { class: 'field-label full', for: 'target' }, 'Conexão (número da empresa)', this.targetSelect),
          h('label', { class: 'field-label', for: 'customer-phone' }, 'Telefone do cliente', this.phoneInput),
          h('label', { class: 'field-label', for: 'customer-name' }, 'Nome no WhatsApp', this.nameInput),
          h('label', { class: 'check full', for: 'read-receipts' }, this.receiptsInput, 'Enviar confirmação de leitura (✓✓ azul) ao abrir a conversa'),
        ),
      ),
      h('section', { 'class': 'card', 'aria-labelledby': 'evolution-titulo' },
        h('h2', { id: 'evolution-titulo' }, icon('link'), 'Evolution API'),
        h('p', { class: 'hint', id: 'evolution-hint' }),
        this.instancesList,
      ),
      h('section', { 'class': 'card', 'aria-labelledby': 'cloud-titulo' },
        h('h2', { id: 'cloud-titulo' }, icon('cloud'), 'Cloud API (Meta)'),
        h('p', { class: 'hint', id: 'cloud-hint' }),
        this.numbersList,
      ),
      h('section', { 'class': 'card test-mode', 'aria-labelledby': 'testes-titulo', 'data-testid': 'test-mode' },
        h('h2', { id: 'testes-titulo' }, icon('flask'), 'Modo de testes'),
        h('p', { class: 'hint' }, 'Falhas sob demanda, como acontecem em produção: o Atende não pode perder nem duplicar nada.'),
        this.faultsBox,
      ),
    )
    root.append(
      h('section', { 'class': 'card', 'aria-labelledby': 'log-titulo' },
        h('h2', { id: 'log-titulo' }, icon('list'), 'Webhooks recentes'),
        h('p', { class: 'hint' }, 'Cada tentativa de entrega ao Atende (as que falham são repetidas com espera crescente).'),
        this.logList,
      ),
    )
  }

  private emitSettings(): void {
    this.settings = {
      target: this.targetSelect.value || null,
      phone: this.phoneInput.value.replace(/\D/g, ''),
      name: this.nameInput.value.trim() || 'Cliente',
      readReceipts: this.receiptsInput.checked,
    }
    this.handlers.customerChanged(this.settings)
  }

  update(state: SimulatorStateView): void {
    this.state = state
    const hint = (id: string, text: string) => {
      const element = document.getElementById(id)
      if (element) element.textContent = text
    }
    hint('evolution-hint', `No Atende, crie uma conexão Evolution com o servidor ${state.evolutionBaseUrl} e a chave ${state.evolutionApiKey}. O QR aparece aqui; “Escanear QR” conecta como o celular da empresa.`)
    hint('cloud-hint', `Números registrados na Graph API simulada (${state.graphBaseUrl}). Webhooks assinados com o app secret de cada número.`)
    this.updateTargets(state)
    this.renderInstances(state.instances)
    this.renderNumbers(state)
    this.renderFaults(state)
    this.tickCountdowns()
  }

  private updateTargets(state: SimulatorStateView): void {
    const options: Array<[string, string]> = [
      ...state.instances.map(instance => [`evolution:${instance.name}`, `Evolution · ${instance.profileName ?? instance.name} (${STATE_LABELS[instance.state].toLowerCase()})`] as [string, string]),
      ...state.numbers.map(number => [`cloud:${number.phoneNumberId}`, `Cloud API · ${number.verifiedName} (${formatPhone(number.displayPhoneNumber)})`] as [string, string]),
    ]
    const signature = JSON.stringify(options)
    if (this.targetSelect.dataset.signature !== signature) {
      replaceChildren(this.targetSelect, ...(options.length === 0 ? [h('option', { value: '' }, 'Nenhuma conexão ainda')] : options.map(([value, label]) => h('option', { value }, label))))
      this.targetSelect.dataset.signature = signature
    }
    const wanted = this.settings.target && options.some(([value]) => value === this.settings.target)
      ? this.settings.target
      : (options.find(([value]) => state.instances.some(instance => `evolution:${instance.name}` === value && instance.state === 'open')) ?? options[0])?.[0] ?? ''
    if (this.targetSelect.value !== wanted || (this.settings.target ?? '') !== wanted) {
      this.targetSelect.value = wanted
      this.emitSettings()
    }
  }

  private renderInstances(instances: InstanceView[]): void {
    const signature = JSON.stringify(instances.map(instance => [instance.name, instance.state, instance.ownNumber, instance.qr?.code, instance.qr?.pairingCode]))
    if (signature === this.instancesSignature) return
    this.instancesSignature = signature
    if (instances.length === 0) {
      replaceChildren(this.instancesList, h('p', { class: 'empty' }, 'Nenhuma instância. Crie a conexão no Atende (Administração → Conexões).'))
      return
    }
    replaceChildren(this.instancesList, ...instances.map(instance => this.instanceItem(instance)))
  }

  private instanceItem(instance: InstanceView): HTMLElement {
    const item = h('div', { 'class': 'connection', 'data-testid': 'instance', 'data-name': instance.name },
      h('div', {},
        h('h3', {}, instance.name),
        h('div', { class: 'sub' }, instance.ownNumber ? `${instance.profileName ?? ''} · ${formatPhone(instance.ownNumber)}` : 'Nenhum celular conectado'),
      ),
      h('span', { 'class': `state ${instance.state}`, 'data-testid': 'instance-state' }, STATE_LABELS[instance.state]),
    )
    if (instance.state === 'connecting' && instance.qr) item.append(this.qrBox(instance))
    if (instance.state === 'refused') item.append(h('p', { class: 'empty full' }, 'Limite de QR codes atingido: peça um novo QR no Atende.'))
    if (instance.state === 'open') {
      item.append(h('div', { class: 'actions' }, h('button', {
        type: 'button',
        class: 'button danger',
        onclick: () => void this.act(() => api.disconnect(instance.name), 'Celular desconectado do WhatsApp Web.'),
      }, 'Desconectar pelo celular')))
    }
    return item
  }

  private qrBox(instance: InstanceView): HTMLElement {
    const qr = instance.qr!
    const phone = h('input', {
      'class': 'input',
      'type': 'tel',
      'aria-label': `Celular que lê o QR de ${instance.name}`,
      'value': this.scanPhones.get(instance.name) ?? instance.pairingNumber ?? '5511999990000',
      'data-testid': 'scan-phone',
    })
    phone.addEventListener('input', () => this.scanPhones.set(instance.name, phone.value))
    return h('div', { class: 'qr-box' },
      h('img', { 'src': qr.base64, 'alt': `QR code de ${instance.name}`, 'data-testid': 'qr-image' }),
      h('div', { class: 'qr-side' },
        h('span', {}, `QR nº ${qr.count} · `, h('span', { 'data-expires': qr.expiresAt }, '')),
        qr.pairingCode ? h('span', {}, 'Código de pareamento: ', h('span', { class: 'pairing' }, qr.pairingCode)) : null,
        h('span', {}, 'Qual celular vai ler o QR?'),
        h('div', { class: 'scan-form' }, phone, h('button', {
          type: 'button',
          class: 'button primary',
          onclick: () => void this.act(() => api.scan(instance.name, phone.value.replace(/\D/g, '')), 'QR lido: a instância está conectada.'),
        }, 'Escanear QR')),
      ),
    )
  }

  /** Counts down the current QR codes' lifetimes (called every second). */
  tickCountdowns(): void {
    for (const element of this.instancesList.querySelectorAll<HTMLElement>('[data-expires]')) {
      const seconds = Math.max(0, Math.round((Date.parse(element.dataset.expires!) - Date.now()) / 1000))
      element.textContent = `expira em ${seconds} s`
    }
  }

  private renderNumbers(state: SimulatorStateView): void {
    if (state.numbers.length === 0) {
      replaceChildren(this.numbersList, h('p', { class: 'empty' }, 'Nenhum número. Conexões Cloud API criadas no Atende apontando para a Graph API simulada aparecem aqui.'))
      return
    }
    replaceChildren(this.numbersList, ...state.numbers.map(number => h('div', { 'class': 'connection', 'data-testid': 'number' },
      h('div', {},
        h('h3', {}, number.verifiedName),
        h('div', { class: 'sub' }, `${formatPhone(number.displayPhoneNumber)} · id ${number.phoneNumberId}`),
      ),
      h('span', { class: `state ${number.webhookVerified ? 'open' : 'refused'}` }, number.webhookVerified ? 'Webhook verificado' : 'Webhook não verificado'),
    )))
  }

  private renderFaults(state: SimulatorStateView): void {
    const signature = JSON.stringify(state.faults)
    if (signature === this.faultsSignature) return
    this.faultsSignature = signature
    const faults = state.faults.global
    const duplicates = h('input', { 'class': 'input', 'type': 'number', 'min': 0, 'max': 100, 'value': 1, 'aria-label': 'Quantos webhooks duplicar' })
    const failCount = h('input', { 'class': 'input', 'type': 'number', 'min': 1, 'max': 100, 'value': 1, 'aria-label': 'Quantos envios falhar' })
    const failMode = h('select', { 'class': 'input', 'aria-label': 'Como o envio falha' }, ...FAILURE_MODES.map(([value, label]) => h('option', { value }, label)))
    const toggle = (key: keyof Faults, label: string, note: string) => {
      const input = h('input', { type: 'checkbox', checked: Boolean(faults[key]) })
      input.addEventListener('change', () => void this.act(() => api.setFaults({ [key]: input.checked }), input.checked ? `${label}: ligado.` : `${label}: desligado.`))
      return h('div', { class: 'fault-row' }, h('label', { class: 'check' }, input, h('span', {}, label, h('small', {}, note))))
    }
    replaceChildren(this.faultsBox,
      h('div', { class: 'fault-row' },
        h('span', {}, 'Duplicar os próximos webhooks', h('small', {}, faults.duplicateWebhooks > 0 ? `Faltam ${faults.duplicateWebhooks} para duplicar.` : 'Cada um chega duas vezes, como nos reenvios da Evolution.')),
        h('span', { class: 'controls' }, duplicates, h('button', { type: 'button', class: 'button', onclick: () => void this.act(() => api.setFaults({ duplicateWebhooks: Number(duplicates.value) }), 'Webhooks serão duplicados.') }, 'Aplicar')),
      ),
      toggle('reorderWebhooks', 'Webhooks fora de ordem', 'Segura os webhooks e entrega o lote de trás para frente.'),
      state.faults.heldWebhooks > 0
        ? h('div', { class: 'held' }, `${state.faults.heldWebhooks} webhook(s) retido(s)`, h('button', { type: 'button', class: 'button', onclick: () => void this.act(() => api.flush(), 'Webhooks liberados.') }, 'Liberar agora'))
        : null,
      h('div', { class: 'fault-row' },
        h('span', {}, 'Falhar os próximos envios da empresa', h('small', {}, faults.failSends ? `Faltam ${faults.failSends.count} (${FAILURE_MODES.find(([mode]) => mode === faults.failSends!.mode)?.[1]}).` : 'O Atende deve repetir ou explicar a falha ao atendente.')),
        h('span', { class: 'controls' }, failCount, failMode, h('button', {
          type: 'button',
          class: 'button',
          onclick: () => void this.act(() => api.setFaults({ failSends: { count: Number(failCount.value), mode: failMode.value as SendFailureMode } }), 'Próximos envios vão falhar.'),
        }, 'Aplicar')),
      ),
      toggle('outage', 'Provedor fora do ar', 'A API recusa conexões; webhooks continuam saindo.'),
      toggle('enforceCloudWindow', 'Exigir a janela de 24 h (Cloud)', 'Mensagem livre sem o cliente ter escrito nas últimas 24 h falha com 131047.'),
      h('div', { class: 'actions', style: 'margin-top:10px' }, h('button', { type: 'button', class: 'button', onclick: () => void this.act(() => api.clearFaults(), 'Falhas desligadas.') }, 'Desligar todas as falhas')),
    )
  }

  renderLog(entries: LogEntry[]): void {
    if (entries.length === 0) {
      replaceChildren(this.logList, h('li', { class: 'empty' }, 'Nenhum webhook enviado ainda.'))
      return
    }
    replaceChildren(this.logList, ...entries.slice().reverse().map((entry) => {
      const ok = entry.status !== null && entry.status >= 200 && entry.status < 300
      return h('li', {},
        h('span', {}, formatTime(entry.at)),
        h('span', { class: ok ? 'ok' : 'bad' }, entry.status === null ? 'erro' : String(entry.status)),
        h('span', { class: 'url', title: `${entry.url}${entry.error ? ` — ${entry.error}` : ''}` }, `${entry.event ?? ''} → ${entry.target ?? ''}${entry.attempt && entry.attempt > 1 ? ` (tentativa ${entry.attempt})` : ''}${entry.error && !ok ? ` — ${entry.error}` : ''}`),
      )
    }))
  }

  private async act(task: () => Promise<unknown>, success: string): Promise<void> {
    try {
      await task()
      this.handlers.notify(success)
    }
    catch (error) {
      this.handlers.notify((error as Error).message, true)
    }
  }

  get current(): SimulatorStateView | null {
    return this.state
  }
}

/**
 * Portuguese helpdesk vocabulary for the generated bench data set: phrases customers, agents and the bot
 * write, private notes, file names, rare words and people's names. Messages are random combinations,
 * so a word's frequency follows from how many phrases use it (e.g. "boleto" is common, the rare words
 * appear in about one message in 50,000 each).
 */

export const CUSTOMER_PHRASES = [
  'Olá, bom dia!',
  'Boa tarde, tudo bem?',
  'Boa noite, preciso de ajuda.',
  'Preciso da segunda via do boleto.',
  'O boleto venceu ontem, ainda consigo pagar?',
  'Não recebi o boleto deste mês no meu e-mail.',
  'Os boletos estão chegando com valor errado.',
  'Paguei o boleto mas continua aparecendo em aberto.',
  'Minha internet está muito lenta desde ontem.',
  'A internet caiu de novo, já é a terceira vez na semana.',
  'Não consigo acessar minha conta.',
  'Esqueci minha senha e não consigo redefinir.',
  'A senha nova não funciona no aplicativo.',
  'Fiz a transferência via Pix agora há pouco.',
  'Já fiz a transferência, segue o comprovante.',
  'Posso transferir o serviço para o nome da minha esposa?',
  'Segue o comprovante de pagamento.',
  'O pagamento foi feito no cartão de crédito.',
  'Quando o pagamento vai ser compensado?',
  'A fatura veio com um valor diferente do combinado.',
  'Por que minha fatura aumentou tanto este mês?',
  'Gostaria de cancelar o serviço.',
  'Quero saber como funciona o cancelamento.',
  'Qual é o prazo do reembolso?',
  'Ainda não recebi o reembolso da cobrança indevida.',
  'O técnico pode vir amanhã de manhã?',
  'O técnico não apareceu no horário marcado.',
  'O roteador está piscando a luz vermelha.',
  'Já reiniciei o roteador e nada mudou.',
  'O sinal do wi-fi não chega no quarto.',
  'Vocês atendem no sábado?',
  'Qual o horário de atendimento da loja?',
  'Meu pedido ainda não chegou.',
  'O produto veio com defeito, quero trocar.',
  'Como faço para atualizar meu endereço de cobrança?',
  'Meu CPF está correto no cadastro?',
  'Recebi uma cobrança que não reconheço.',
  'Estou sem sinal desde a chuva de ontem.',
  'A instalação foi agendada para quando?',
  'Gostaria de mudar de plano para um mais rápido.',
  'Tem alguma promoção para quem já é cliente?',
  'Obrigado pela ajuda!',
  'Muito obrigada, resolveu o problema.',
  'Ainda não funcionou.',
  'Sim, pode ser.',
  'Não, continua do mesmo jeito.',
  'Pode me ligar nesse número?',
  'Estou aguardando retorno há três dias.',
  'Já expliquei isso para outro atendente.',
  'A manutenção na minha rua já terminou?',
  'O aplicativo fecha sozinho quando abro a fatura.',
  'Consigo pagar com Pix em vez de boleto?',
  'Quero negociar uma dívida em atraso.',
  'Fui cobrado duas vezes no mesmo mês.',
  'Vocês emitem nota fiscal?',
  'Não estou conseguindo baixar o relatório.',
]

export const AGENT_PHRASES = [
  'Olá! Sou do suporte técnico e vou te ajudar.',
  'Bom dia! Como posso ajudar?',
  'Vou verificar aqui no sistema, um momento por favor.',
  'Poderia me informar o CPF do titular?',
  'Poderia confirmar o endereço da instalação?',
  'Segue a segunda via do boleto atualizada.',
  'O boleto foi reenviado para o seu e-mail.',
  'Identifiquei o pagamento, a baixa ocorre em até 2 dias úteis.',
  'A transferência foi identificada, obrigado.',
  'Vou transferir seu atendimento para o setor financeiro.',
  'Vou transferir você para a equipe de suporte técnico.',
  'Pode reiniciar o roteador, por favor? Tire da tomada por 30 segundos.',
  'Verifiquei uma instabilidade na sua região, a equipe já está atuando.',
  'Agendei a visita técnica para amanhã entre 8h e 12h.',
  'O reembolso é feito em até 10 dias úteis.',
  'Abri uma solicitação de reembolso para você.',
  'A fatura foi corrigida e o novo valor já aparece no aplicativo.',
  'Enviei o link para redefinir a senha.',
  'Sua senha foi redefinida, tente acessar novamente.',
  'O cancelamento foi registrado com o protocolo informado.',
  'Posso ajudar em mais alguma coisa?',
  'Obrigado pelo contato e tenha um ótimo dia!',
  'Entendo a sua situação e peço desculpas pelo transtorno.',
  'Consegue me enviar uma foto do roteador?',
  'O pagamento pode ser feito por Pix, boleto ou cartão.',
  'A manutenção programada termina hoje às 18h.',
  'Vou encaminhar para análise e retorno em breve.',
  'Consegue testar agora e me dizer se voltou?',
  'Sua nota fiscal está disponível na área do cliente.',
  'Verifiquei que o pedido saiu para entrega hoje.',
  'A troca do produto foi autorizada.',
  'Atualizei o endereço de cobrança no cadastro.',
]

export const BOT_PHRASES = [
  'Olá! 👋 Você está falando com o atendimento. Vamos te direcionar para a equipe certa.',
  'Responda com o número da opção desejada: 1 - Suporte Técnico, 2 - Financeiro, 3 - Comercial.',
  'Certo! Em instantes um de nossos atendentes vai falar com você.',
  'Não entendi. Por favor, responda apenas com o número de uma das opções.',
  'Como você avalia este atendimento? Responda com uma nota de 1 a 10.',
  'Obrigado pela sua avaliação! 💚',
]

export const NOTE_PHRASES = [
  'Cliente já ligou três vezes sobre o mesmo problema.',
  'Verificar com o financeiro o estorno da cobrança duplicada.',
  'Cliente irritado, tratar com prioridade.',
  'Possível fraude no cartão, confirmar dados antes de continuar.',
  'Aguardando retorno da equipe de campo sobre a visita técnica.',
  'Já enviei a segunda via do boleto, cliente diz que não recebeu.',
  'Problema recorrente no roteador, avaliar troca do equipamento.',
  'Transferência via Pix não localizada no extrato, pedir comprovante.',
  'Cliente pediu cancelamento, oferecer desconto de retenção.',
  'Reembolso aprovado pelo supervisor.',
]

export const CAPTIONS = [
  'Segue o comprovante',
  'Foto do roteador',
  'Print do erro no aplicativo',
  'Olha a fatura que chegou',
  'Essa é a tela que aparece',
  'Segue o documento assinado',
]

export const DOCUMENT_NAMES = [
  'relatório-mensal.pdf',
  'relatorio.pdf',
  'comprovante-pagamento.pdf',
  'comprovante-transferência.pdf',
  'nota-fiscal.pdf',
  'contrato-assinado.pdf',
  'fatura-março.pdf',
  'boleto-atualizado.pdf',
  'laudo-técnico.pdf',
  'planilha-cobranças.xlsx',
]

/** Each appears in roughly one message in 50,000: the "rare word" search scenario. */
export const RARE_WORDS = [
  'ornitorrinco',
  'paralelepípedo',
  'caleidoscópio',
  'jabuticabeira',
  'xilogravura',
  'otorrinolaringologista',
  'quindim',
  'maracatu',
  'pirilampo',
  'abracadabra',
  'zabumba',
  'sabiá-laranjeira',
  'berimbau',
  'carimbó',
  'tucunaré',
  'jequitibá',
  'mandacaru',
  'pororoca',
  'curupira',
  'araçá',
]

export const FIRST_NAMES = [
  'João', 'Maria', 'José', 'Ana', 'Antônio', 'Francisca', 'Carlos', 'Luíza', 'Paulo', 'Adriana',
  'Pedro', 'Juliana', 'Lucas', 'Márcia', 'Luiz', 'Fernanda', 'Marcos', 'Patrícia', 'Luís', 'Aline',
  'Gabriel', 'Sandra', 'Rafael', 'Camila', 'Daniel', 'Amanda', 'Marcelo', 'Bruna', 'Bruno', 'Jéssica',
  'Eduardo', 'Letícia', 'Felipe', 'Júlia', 'Raimundo', 'Luciana', 'Rodrigo', 'Vanessa', 'Sebastião', 'Mariana',
  'Conceição', 'Inês', 'Joaquim', 'Cecília', 'Otávio', 'Lúcia', 'Vinícius', 'Débora', 'Caio', 'Tânia',
]

export const LAST_NAMES = [
  'Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes',
  'Ribeiro', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa', 'Rocha', 'Dias',
  'Nascimento', 'Andrade', 'Moreira', 'Nunes', 'Marques', 'Machado', 'Mendes', 'Freitas', 'Cardoso', 'Ramos',
  'Gonçalves', 'Araújo', 'Conceição', 'Simões', 'Falcão', 'Brandão', 'Magalhães', 'Guimarães', 'Assunção', 'Peçanha',
]

export const EXTRA_TEAMS = ['Comercial', 'Cobrança', 'Instalação', 'Retenção', 'Ouvidoria', 'Suporte Empresarial']

export const CHANNELS = [
  { name: 'Atendimento (bench)', provider: 'evolution', phone: '551140040001' },
  { name: 'Financeiro (bench)', provider: 'evolution', phone: '551140040002' },
  { name: 'Oficial Cloud (bench)', provider: 'cloud', phone: '551140040003' },
]

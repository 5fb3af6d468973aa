/**
 * Generated from the database schema by `npm run db:types` (scripts/db-types.ts), in the shape of
 * `supabase gen types typescript`. Do not edit: change the migration and regenerate.
 * tests/database/db-types.test.ts fails when this file is out of date.
 */
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  __InternalSupabase: {
    PostgrestVersion: '12'
  }
  public: {
    Tables: {
      api_keys: {
        Row: {
          created_at: string
          created_by: string | null
          expires_at: string | null
          id: string
          key_hash: string
          key_prefix: string
          last_used_at: string | null
          name: string
          rate_limit_per_minute: number
          revoked_at: string | null
          scopes: string[]
        }
        Insert: {
          created_at?: string
          created_by?: string | null
          expires_at?: string | null
          id?: string
          key_hash: string
          key_prefix: string
          last_used_at?: string | null
          name: string
          rate_limit_per_minute?: number
          revoked_at?: string | null
          scopes?: string[]
        }
        Update: {
          created_at?: string
          created_by?: string | null
          expires_at?: string | null
          id?: string
          key_hash?: string
          key_prefix?: string
          last_used_at?: string | null
          name?: string
          rate_limit_per_minute?: number
          revoked_at?: string | null
          scopes?: string[]
        }
        Relationships: [
          {
            foreignKeyName: 'api_keys_created_by_fkey'
            columns: ['created_by']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
        ]
      }
      app_settings: {
        Row: {
          classification_required: boolean
          company_name: string
          id: boolean
          powerbi_display_mode: string
          powerbi_report_url: string | null
          timezone: string
          updated_at: string
          updated_by: string | null
        }
        Insert: {
          classification_required?: boolean
          company_name?: string
          id?: boolean
          powerbi_display_mode?: string
          powerbi_report_url?: string | null
          timezone?: string
          updated_at?: string
          updated_by?: string | null
        }
        Update: {
          classification_required?: boolean
          company_name?: string
          id?: boolean
          powerbi_display_mode?: string
          powerbi_report_url?: string | null
          timezone?: string
          updated_at?: string
          updated_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'app_settings_updated_by_fkey'
            columns: ['updated_by']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
        ]
      }
      bot_menu_options: {
        Row: {
          channel_id: string
          id: string
          label: string
          position: number
          team_id: string
        }
        Insert: {
          channel_id: string
          id?: string
          label: string
          position: number
          team_id: string
        }
        Update: {
          channel_id?: string
          id?: string
          label?: string
          position?: number
          team_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'bot_menu_options_channel_id_fkey'
            columns: ['channel_id']
            isOneToOne: false
            referencedRelation: 'channels'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'bot_menu_options_team_id_fkey'
            columns: ['team_id']
            isOneToOne: false
            referencedRelation: 'teams'
            referencedColumns: ['id']
          },
        ]
      }
      bot_settings: {
        Row: {
          after_selection_text: string | null
          business_hours: Json
          channel_id: string
          close_keyword: string | null
          enabled: boolean
          fallback_team_id: string | null
          farewell_text: string | null
          holidays: string[]
          inactivity_classification_id: string | null
          inactivity_close_minutes: number | null
          inactivity_warning_minutes: number | null
          inactivity_warning_text: string | null
          invalid_option_text: string
          low_rating_threshold: number
          max_invalid_attempts: number
          menu_prompt: string
          out_of_hours_text: string
          rating_invalid_text: string
          rating_prompt_text: string
          rating_thanks_text: string
          rating_timeout_minutes: number
          timezone: string | null
          updated_at: string
          welcome_text: string
        }
        Insert: {
          after_selection_text?: string | null
          business_hours?: Json
          channel_id: string
          close_keyword?: string | null
          enabled?: boolean
          fallback_team_id?: string | null
          farewell_text?: string | null
          holidays?: string[]
          inactivity_classification_id?: string | null
          inactivity_close_minutes?: number | null
          inactivity_warning_minutes?: number | null
          inactivity_warning_text?: string | null
          invalid_option_text?: string
          low_rating_threshold?: number
          max_invalid_attempts?: number
          menu_prompt?: string
          out_of_hours_text?: string
          rating_invalid_text?: string
          rating_prompt_text?: string
          rating_thanks_text?: string
          rating_timeout_minutes?: number
          timezone?: string | null
          updated_at?: string
          welcome_text?: string
        }
        Update: {
          after_selection_text?: string | null
          business_hours?: Json
          channel_id?: string
          close_keyword?: string | null
          enabled?: boolean
          fallback_team_id?: string | null
          farewell_text?: string | null
          holidays?: string[]
          inactivity_classification_id?: string | null
          inactivity_close_minutes?: number | null
          inactivity_warning_minutes?: number | null
          inactivity_warning_text?: string | null
          invalid_option_text?: string
          low_rating_threshold?: number
          max_invalid_attempts?: number
          menu_prompt?: string
          out_of_hours_text?: string
          rating_invalid_text?: string
          rating_prompt_text?: string
          rating_thanks_text?: string
          rating_timeout_minutes?: number
          timezone?: string | null
          updated_at?: string
          welcome_text?: string
        }
        Relationships: [
          {
            foreignKeyName: 'bot_settings_channel_id_fkey'
            columns: ['channel_id']
            isOneToOne: true
            referencedRelation: 'channels'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'bot_settings_fallback_team_id_fkey'
            columns: ['fallback_team_id']
            isOneToOne: false
            referencedRelation: 'teams'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'bot_settings_inactivity_classification_id_fkey'
            columns: ['inactivity_classification_id']
            isOneToOne: false
            referencedRelation: 'classifications'
            referencedColumns: ['id']
          },
        ]
      }
      channel_qr_codes: {
        Row: {
          channel_id: string
          expires_at: string | null
          pairing_code: string | null
          qr_code: string | null
          updated_at: string
        }
        Insert: {
          channel_id: string
          expires_at?: string | null
          pairing_code?: string | null
          qr_code?: string | null
          updated_at?: string
        }
        Update: {
          channel_id?: string
          expires_at?: string | null
          pairing_code?: string | null
          qr_code?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'channel_qr_codes_channel_id_fkey'
            columns: ['channel_id']
            isOneToOne: true
            referencedRelation: 'channels'
            referencedColumns: ['id']
          },
        ]
      }
      channel_secrets: {
        Row: {
          channel_id: string
          cloud_access_token: string | null
          cloud_app_secret: string | null
          cloud_graph_base_url: string
          cloud_graph_version: string
          cloud_phone_number_id: string | null
          cloud_verify_token: string | null
          cloud_waba_id: string | null
          evolution_api_key: string | null
          evolution_base_url: string | null
          evolution_instance_name: string | null
          evolution_instance_token: string | null
          updated_at: string
          webhook_secret: string
        }
        Insert: {
          channel_id: string
          cloud_access_token?: string | null
          cloud_app_secret?: string | null
          cloud_graph_base_url?: string
          cloud_graph_version?: string
          cloud_phone_number_id?: string | null
          cloud_verify_token?: string | null
          cloud_waba_id?: string | null
          evolution_api_key?: string | null
          evolution_base_url?: string | null
          evolution_instance_name?: string | null
          evolution_instance_token?: string | null
          updated_at?: string
          webhook_secret?: string
        }
        Update: {
          channel_id?: string
          cloud_access_token?: string | null
          cloud_app_secret?: string | null
          cloud_graph_base_url?: string
          cloud_graph_version?: string
          cloud_phone_number_id?: string | null
          cloud_verify_token?: string | null
          cloud_waba_id?: string | null
          evolution_api_key?: string | null
          evolution_base_url?: string | null
          evolution_instance_name?: string | null
          evolution_instance_token?: string | null
          updated_at?: string
          webhook_secret?: string
        }
        Relationships: [
          {
            foreignKeyName: 'channel_secrets_channel_id_fkey'
            columns: ['channel_id']
            isOneToOne: true
            referencedRelation: 'channels'
            referencedColumns: ['id']
          },
        ]
      }
      channels: {
        Row: {
          accept_group_messages: boolean
          active: boolean
          allowed_phones: string[] | null
          color: string
          connection_state: string
          created_at: string
          id: string
          is_default: boolean
          last_activity_at: string | null
          name: string
          phone_number: string | null
          provider: string
          state_changed_at: string
          state_reason: string | null
          updated_at: string
        }
        Insert: {
          accept_group_messages?: boolean
          active?: boolean
          allowed_phones?: string[] | null
          color?: string
          connection_state?: string
          created_at?: string
          id?: string
          is_default?: boolean
          last_activity_at?: string | null
          name: string
          phone_number?: string | null
          provider: string
          state_changed_at?: string
          state_reason?: string | null
          updated_at?: string
        }
        Update: {
          accept_group_messages?: boolean
          active?: boolean
          allowed_phones?: string[] | null
          color?: string
          connection_state?: string
          created_at?: string
          id?: string
          is_default?: boolean
          last_activity_at?: string | null
          name?: string
          phone_number?: string | null
          provider?: string
          state_changed_at?: string
          state_reason?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      classifications: {
        Row: {
          active: boolean
          created_at: string
          description: string | null
          id: string
          name: string
          position: number
        }
        Insert: {
          active?: boolean
          created_at?: string
          description?: string | null
          id?: string
          name: string
          position?: number
        }
        Update: {
          active?: boolean
          created_at?: string
          description?: string | null
          id?: string
          name?: string
          position?: number
        }
        Relationships: []
      }
      contact_identities: {
        Row: {
          contact_id: string
          created_at: string
          id: string
          kind: string
          value: string
        }
        Insert: {
          contact_id: string
          created_at?: string
          id?: string
          kind: string
          value: string
        }
        Update: {
          contact_id?: string
          created_at?: string
          id?: string
          kind?: string
          value?: string
        }
        Relationships: [
          {
            foreignKeyName: 'contact_identities_contact_id_fkey'
            columns: ['contact_id']
            isOneToOne: false
            referencedRelation: 'contacts'
            referencedColumns: ['id']
          },
        ]
      }
      contacts: {
        Row: {
          blocked: boolean
          cpf: string | null
          created_at: string
          display_name: string | null
          email: string | null
          extra_fields: Json
          id: string
          last_message_at: string | null
          notes: string | null
          phone: string | null
          tags: string[]
          updated_at: string
          whatsapp_name: string | null
        }
        Insert: {
          blocked?: boolean
          cpf?: string | null
          created_at?: string
          display_name?: string | null
          email?: string | null
          extra_fields?: Json
          id?: string
          last_message_at?: string | null
          notes?: string | null
          phone?: string | null
          tags?: string[]
          updated_at?: string
          whatsapp_name?: string | null
        }
        Update: {
          blocked?: boolean
          cpf?: string | null
          created_at?: string
          display_name?: string | null
          email?: string | null
          extra_fields?: Json
          id?: string
          last_message_at?: string | null
          notes?: string | null
          phone?: string | null
          tags?: string[]
          updated_at?: string
          whatsapp_name?: string | null
        }
        Relationships: []
      }
      messages: {
        Row: {
          body: string | null
          channel_id: string
          client_id: string | null
          contact_cards: Json | null
          contact_id: string
          created_at: string
          direction: string
          id: string
          is_private: boolean
          is_voice_note: boolean
          kind: string
          location: Json | null
          media_duration_seconds: number | null
          media_mime: string | null
          media_name: string | null
          media_path: string | null
          media_size: number | null
          provider_message_id: string | null
          provider_timestamp: string | null
          quoted_message_id: string | null
          quoted_provider_message_id: string | null
          reaction_emoji: string | null
          reaction_to_message_id: string | null
          reaction_to_provider_message_id: string | null
          search_vector: unknown | null
          sender_id: string | null
          sender_type: string
          status: string
          status_error: string | null
          status_updated_at: string | null
          ticket_id: string | null
        }
        Insert: {
          body?: string | null
          channel_id: string
          client_id?: string | null
          contact_cards?: Json | null
          contact_id: string
          created_at?: string
          direction: string
          id?: string
          is_private?: boolean
          is_voice_note?: boolean
          kind: string
          location?: Json | null
          media_duration_seconds?: number | null
          media_mime?: string | null
          media_name?: string | null
          media_path?: string | null
          media_size?: number | null
          provider_message_id?: string | null
          provider_timestamp?: string | null
          quoted_message_id?: string | null
          quoted_provider_message_id?: string | null
          reaction_emoji?: string | null
          reaction_to_message_id?: string | null
          reaction_to_provider_message_id?: string | null
          sender_id?: string | null
          sender_type: string
          status?: string
          status_error?: string | null
          status_updated_at?: string | null
          ticket_id?: string | null
        }
        Update: {
          body?: string | null
          channel_id?: string
          client_id?: string | null
          contact_cards?: Json | null
          contact_id?: string
          created_at?: string
          direction?: string
          id?: string
          is_private?: boolean
          is_voice_note?: boolean
          kind?: string
          location?: Json | null
          media_duration_seconds?: number | null
          media_mime?: string | null
          media_name?: string | null
          media_path?: string | null
          media_size?: number | null
          provider_message_id?: string | null
          provider_timestamp?: string | null
          quoted_message_id?: string | null
          quoted_provider_message_id?: string | null
          reaction_emoji?: string | null
          reaction_to_message_id?: string | null
          reaction_to_provider_message_id?: string | null
          sender_id?: string | null
          sender_type?: string
          status?: string
          status_error?: string | null
          status_updated_at?: string | null
          ticket_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'messages_channel_id_fkey'
            columns: ['channel_id']
            isOneToOne: false
            referencedRelation: 'channels'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'messages_contact_id_fkey'
            columns: ['contact_id']
            isOneToOne: false
            referencedRelation: 'contacts'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'messages_quoted_message_id_fkey'
            columns: ['quoted_message_id']
            isOneToOne: false
            referencedRelation: 'messages'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'messages_reaction_to_message_id_fkey'
            columns: ['reaction_to_message_id']
            isOneToOne: false
            referencedRelation: 'messages'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'messages_sender_id_fkey'
            columns: ['sender_id']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'messages_ticket_id_fkey'
            columns: ['ticket_id']
            isOneToOne: false
            referencedRelation: 'tickets'
            referencedColumns: ['id']
          },
        ]
      }
      outbox: {
        Row: {
          attempts: number
          channel_id: string
          created_at: string
          id: number
          last_error: string | null
          locked_until: string | null
          message_id: string
          next_attempt_at: string
          sent_at: string | null
          status: string
          ticket_id: string | null
        }
        Insert: {
          attempts?: number
          channel_id: string
          created_at?: string
          id?: number
          last_error?: string | null
          locked_until?: string | null
          message_id: string
          next_attempt_at?: string
          sent_at?: string | null
          status?: string
          ticket_id?: string | null
        }
        Update: {
          attempts?: number
          channel_id?: string
          created_at?: string
          id?: number
          last_error?: string | null
          locked_until?: string | null
          message_id?: string
          next_attempt_at?: string
          sent_at?: string | null
          status?: string
          ticket_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'outbox_channel_id_fkey'
            columns: ['channel_id']
            isOneToOne: false
            referencedRelation: 'channels'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'outbox_message_id_fkey'
            columns: ['message_id']
            isOneToOne: true
            referencedRelation: 'messages'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'outbox_ticket_id_fkey'
            columns: ['ticket_id']
            isOneToOne: false
            referencedRelation: 'tickets'
            referencedColumns: ['id']
          },
        ]
      }
      profiles: {
        Row: {
          active: boolean
          created_at: string
          email: string | null
          farewell_text: string | null
          full_name: string
          id: string
          role: string
          theme: string
          updated_at: string
        }
        Insert: {
          active?: boolean
          created_at?: string
          email?: string | null
          farewell_text?: string | null
          full_name: string
          id: string
          role?: string
          theme?: string
          updated_at?: string
        }
        Update: {
          active?: boolean
          created_at?: string
          email?: string | null
          farewell_text?: string | null
          full_name?: string
          id?: string
          role?: string
          theme?: string
          updated_at?: string
        }
        Relationships: []
      }
      provider_events: {
        Row: {
          attempts: number
          channel_id: string | null
          event_type: string | null
          headers: Json
          id: number
          last_error: string | null
          next_attempt_at: string | null
          payload: Json | null
          processed_at: string | null
          provider: string
          provider_message_id: string | null
          raw_body: string | null
          received_at: string
          status: string
        }
        Insert: {
          attempts?: number
          channel_id?: string | null
          event_type?: string | null
          headers?: Json
          id?: number
          last_error?: string | null
          next_attempt_at?: string | null
          payload?: Json | null
          processed_at?: string | null
          provider: string
          provider_message_id?: string | null
          raw_body?: string | null
          received_at?: string
          status?: string
        }
        Update: {
          attempts?: number
          channel_id?: string | null
          event_type?: string | null
          headers?: Json
          id?: number
          last_error?: string | null
          next_attempt_at?: string | null
          payload?: Json | null
          processed_at?: string | null
          provider?: string
          provider_message_id?: string | null
          raw_body?: string | null
          received_at?: string
          status?: string
        }
        Relationships: [
          {
            foreignKeyName: 'provider_events_channel_id_fkey'
            columns: ['channel_id']
            isOneToOne: false
            referencedRelation: 'channels'
            referencedColumns: ['id']
          },
        ]
      }
      quick_replies: {
        Row: {
          body: string
          created_at: string
          created_by: string | null
          id: string
          shortcut: string
          team_id: string | null
          title: string
          updated_at: string
        }
        Insert: {
          body: string
          created_at?: string
          created_by?: string | null
          id?: string
          shortcut: string
          team_id?: string | null
          title: string
          updated_at?: string
        }
        Update: {
          body?: string
          created_at?: string
          created_by?: string | null
          id?: string
          shortcut?: string
          team_id?: string | null
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'quick_replies_created_by_fkey'
            columns: ['created_by']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'quick_replies_team_id_fkey'
            columns: ['team_id']
            isOneToOne: false
            referencedRelation: 'teams'
            referencedColumns: ['id']
          },
        ]
      }
      team_members: {
        Row: {
          created_at: string
          last_auto_assigned_at: string | null
          team_id: string
          user_id: string
        }
        Insert: {
          created_at?: string
          last_auto_assigned_at?: string | null
          team_id: string
          user_id: string
        }
        Update: {
          created_at?: string
          last_auto_assigned_at?: string | null
          team_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'team_members_team_id_fkey'
            columns: ['team_id']
            isOneToOne: false
            referencedRelation: 'teams'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'team_members_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
        ]
      }
      teams: {
        Row: {
          auto_assign: boolean
          color: string
          created_at: string
          id: string
          name: string
        }
        Insert: {
          auto_assign?: boolean
          color?: string
          created_at?: string
          id?: string
          name: string
        }
        Update: {
          auto_assign?: boolean
          color?: string
          created_at?: string
          id?: string
          name?: string
        }
        Relationships: []
      }
      ticket_events: {
        Row: {
          actor_id: string | null
          created_at: string
          data: Json
          from_agent_id: string | null
          from_team_id: string | null
          id: number
          note: string | null
          ticket_id: string
          to_agent_id: string | null
          to_team_id: string | null
          type: string
        }
        Insert: {
          actor_id?: string | null
          created_at?: string
          data?: Json
          from_agent_id?: string | null
          from_team_id?: string | null
          id?: number
          note?: string | null
          ticket_id: string
          to_agent_id?: string | null
          to_team_id?: string | null
          type: string
        }
        Update: {
          actor_id?: string | null
          created_at?: string
          data?: Json
          from_agent_id?: string | null
          from_team_id?: string | null
          id?: number
          note?: string | null
          ticket_id?: string
          to_agent_id?: string | null
          to_team_id?: string | null
          type?: string
        }
        Relationships: [
          {
            foreignKeyName: 'ticket_events_actor_id_fkey'
            columns: ['actor_id']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'ticket_events_from_agent_id_fkey'
            columns: ['from_agent_id']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'ticket_events_from_team_id_fkey'
            columns: ['from_team_id']
            isOneToOne: false
            referencedRelation: 'teams'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'ticket_events_ticket_id_fkey'
            columns: ['ticket_id']
            isOneToOne: false
            referencedRelation: 'tickets'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'ticket_events_to_agent_id_fkey'
            columns: ['to_agent_id']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'ticket_events_to_team_id_fkey'
            columns: ['to_team_id']
            isOneToOne: false
            referencedRelation: 'teams'
            referencedColumns: ['id']
          },
        ]
      }
      tickets: {
        Row: {
          accepted_at: string | null
          assignee_id: string | null
          bot_state: Json
          channel_id: string
          classification_id: string | null
          closed_at: string | null
          closed_by: string | null
          closed_reason: string | null
          closing_comment: string | null
          contact_id: string
          created_at: string
          first_response_at: string | null
          id: string
          last_inbound_at: string | null
          last_message_at: string | null
          last_message_preview: string | null
          low_rating_flag: boolean
          number: number
          queued_at: string | null
          rated_at: string | null
          rating: number | null
          rating_requested_at: string | null
          rating_status: string | null
          status: string
          team_id: string | null
          unread_count: number
          updated_at: string
        }
        Insert: {
          accepted_at?: string | null
          assignee_id?: string | null
          bot_state?: Json
          channel_id: string
          classification_id?: string | null
          closed_at?: string | null
          closed_by?: string | null
          closed_reason?: string | null
          closing_comment?: string | null
          contact_id: string
          created_at?: string
          first_response_at?: string | null
          id?: string
          last_inbound_at?: string | null
          last_message_at?: string | null
          last_message_preview?: string | null
          low_rating_flag?: boolean
          number?: number
          queued_at?: string | null
          rated_at?: string | null
          rating?: number | null
          rating_requested_at?: string | null
          rating_status?: string | null
          status?: string
          team_id?: string | null
          unread_count?: number
          updated_at?: string
        }
        Update: {
          accepted_at?: string | null
          assignee_id?: string | null
          bot_state?: Json
          channel_id?: string
          classification_id?: string | null
          closed_at?: string | null
          closed_by?: string | null
          closed_reason?: string | null
          closing_comment?: string | null
          contact_id?: string
          created_at?: string
          first_response_at?: string | null
          id?: string
          last_inbound_at?: string | null
          last_message_at?: string | null
          last_message_preview?: string | null
          low_rating_flag?: boolean
          number?: number
          queued_at?: string | null
          rated_at?: string | null
          rating?: number | null
          rating_requested_at?: string | null
          rating_status?: string | null
          status?: string
          team_id?: string | null
          unread_count?: number
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'tickets_assignee_id_fkey'
            columns: ['assignee_id']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'tickets_channel_id_fkey'
            columns: ['channel_id']
            isOneToOne: false
            referencedRelation: 'channels'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'tickets_classification_id_fkey'
            columns: ['classification_id']
            isOneToOne: false
            referencedRelation: 'classifications'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'tickets_closed_by_fkey'
            columns: ['closed_by']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'tickets_contact_id_fkey'
            columns: ['contact_id']
            isOneToOne: false
            referencedRelation: 'contacts'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'tickets_team_id_fkey'
            columns: ['team_id']
            isOneToOne: false
            referencedRelation: 'teams'
            referencedColumns: ['id']
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      accept_ticket: {
        Args: {
          p_ticket_id: string
        }
        Returns: Database['public']['Tables']['tickets']['Row']
        SetofOptions: { from: '*', to: 'tickets', isOneToOne: true, isSetofReturn: false }
      }
      add_private_note: {
        Args: {
          p_ticket_id: string
          p_body: string
        }
        Returns: Database['public']['Tables']['messages']['Row']
        SetofOptions: { from: '*', to: 'messages', isOneToOne: true, isSetofReturn: false }
      }
      admin_save_user: {
        Args: {
          p_user_id: string
          p_full_name: string
          p_role: string
          p_team_ids?: string[]
        }
        Returns: Database['public']['Tables']['profiles']['Row']
        SetofOptions: { from: '*', to: 'profiles', isOneToOne: true, isSetofReturn: false }
      }
      admin_set_user_active: {
        Args: {
          p_actor_id: string
          p_user_id: string
          p_active: boolean
        }
        Returns: Database['public']['Tables']['profiles']['Row']
        SetofOptions: { from: '*', to: 'profiles', isOneToOne: true, isSetofReturn: false }
      }
      analytics_datasets: {
        Args: never
        Returns: {
          name: string
          description: string
          change_column: string
          columns: string[]
        }[]
      }
      analytics_page: {
        Args: {
          p_dataset: string
          p_since?: string
          p_after?: Json
          p_limit?: number
        }
        Returns: Json
      }
      apply_bot_decision: {
        Args: {
          p_ticket_id: string
          p_message_id: string
          p_expected_version: number
          p_decision: Json
        }
        Returns: Json
      }
      apply_message_status: {
        Args: {
          p_channel_id: string
          p_provider_message_id: string
          p_status: string
          p_error?: string
          p_at?: string
        }
        Returns: boolean
      }
      apply_rating_answer: {
        Args: {
          p_ticket_id: string
          p_message_id: string
          p_decision: Json
        }
        Returns: Json
      }
      apply_webhook_bot_decision: {
        Args: {
          p_ticket_id: string
          p_message_id: string
          p_expected_version: number
          p_decision: Json
          p_finish?: Json
        }
        Returns: Json
      }
      apply_webhook_status: {
        Args: {
          p_channel_id: string
          p_provider_message_id: string
          p_status: string
          p_error?: string
          p_at?: string
          p_finish?: Json
        }
        Returns: Json
      }
      authorize_api_key: {
        Args: {
          p_key_hash: string
          p_dataset: string
        }
        Returns: Json
      }
      claim_first_admin: {
        Args: {
          p_user_id: string
        }
        Returns: boolean
      }
      claim_outbox_batch: {
        Args: {
          p_limit?: number
          p_lease_seconds?: number
        }
        Returns: Json[]
      }
      claim_provider_events: {
        Args: {
          p_limit?: number
          p_lease_seconds?: number
        }
        Returns: Database['public']['Tables']['provider_events']['Row'][]
        SetofOptions: { from: '*', to: 'provider_events', isOneToOne: false, isSetofReturn: true }
      }
      close_ticket: {
        Args: {
          p_ticket_id: string
          p_classification_id?: string
          p_comment?: string
        }
        Returns: Database['public']['Tables']['tickets']['Row']
        SetofOptions: { from: '*', to: 'tickets', isOneToOne: true, isSetofReturn: false }
      }
      complete_outbox_send: {
        Args: {
          p_outbox_id: number
          p_provider_message_id: string
        }
        Returns: boolean
      }
      create_api_key: {
        Args: {
          p_name: string
          p_scopes: string[]
          p_expires_at?: string
          p_rate_limit_per_minute?: number
        }
        Returns: Json
      }
      expire_due_ratings: {
        Args: never
        Returns: number
      }
      expire_rating: {
        Args: {
          p_ticket_id: string
        }
        Returns: Database['public']['Tables']['tickets']['Row']
        SetofOptions: { from: '*', to: 'tickets', isOneToOne: true, isSetofReturn: false }
      }
      fail_outbox_send: {
        Args: {
          p_outbox_id: number
          p_permanent: boolean
          p_reason: string
          p_retry_at?: string
        }
        Returns: boolean
      }
      first_admin_needed: {
        Args: never
        Returns: boolean
      }
      ingest_business_message: {
        Args: {
          p_channel_id: string
          p_contact_id: string
          p_message: Json
        }
        Returns: Json
      }
      ingest_inbound_message: {
        Args: {
          p_channel_id: string
          p_contact_id: string
          p_message: Json
        }
        Returns: Json
      }
      ingest_webhook_message: {
        Args: {
          p_channel_id: string
          p_party: Json
          p_message: Json
          p_from_me?: boolean
          p_finish?: Json
        }
        Returns: Json
      }
      mark_ticket_read: {
        Args: {
          p_ticket_id: string
        }
        Returns: Database['public']['Tables']['tickets']['Row']
        SetofOptions: { from: '*', to: 'tickets', isOneToOne: true, isSetofReturn: false }
      }
      my_profile: {
        Args: never
        Returns: Database['public']['Tables']['profiles']['Row']
        SetofOptions: { from: '*', to: 'profiles', isOneToOne: true, isSetofReturn: false }
      }
      receive_webhook_event: {
        Args: {
          p_provider: string
          p_payload: Json
          p_raw_body: string
          p_headers: Json
          p_channel_key: string
        }
        Returns: Json
      }
      record_channel_connection: {
        Args: {
          p_channel_id: string
          p_state: string
          p_reason?: string
          p_phone_number?: string
        }
        Returns: Database['public']['Tables']['channels']['Row']
        SetofOptions: { from: '*', to: 'channels', isOneToOne: true, isSetofReturn: false }
      }
      record_channel_qr: {
        Args: {
          p_channel_id: string
          p_qr_code: string
          p_pairing_code?: string
          p_expires_at?: string
        }
        Returns: boolean
      }
      record_rating: {
        Args: {
          p_ticket_id: string
          p_rating: number
          p_raw_answer?: string
        }
        Returns: Database['public']['Tables']['tickets']['Row']
        SetofOptions: { from: '*', to: 'tickets', isOneToOne: true, isSetofReturn: false }
      }
      reopen_conversation: {
        Args: {
          p_contact_id: string
          p_channel_id?: string
          p_team_id?: string
        }
        Returns: Database['public']['Tables']['tickets']['Row']
        SetofOptions: { from: '*', to: 'tickets', isOneToOne: true, isSetofReturn: false }
      }
      report_dashboard: {
        Args: {
          p_from: string
          p_to: string
          p_channel_id?: string
          p_team_id?: string
        }
        Returns: Json
      }
      report_ticket_count: {
        Args: {
          p_filters?: Json
        }
        Returns: number
      }
      report_tickets: {
        Args: {
          p_filters?: Json
          p_after?: Json
          p_limit?: number
        }
        Returns: {
          ticket_id: string
          number: number
          status: string
          created_at: string
          closed_at: string
          contact_id: string
          contact_name: string
          contact_phone: string
          channel_id: string
          channel_name: string
          team_id: string
          team_name: string
          agent_id: string
          agent_name: string
          classification_name: string
          closing_comment: string
          closed_by_bot: boolean
          wait_seconds: number
          first_response_seconds: number
          handle_seconds: number
          rating: number
        }[]
      }
      resolve_contact: {
        Args: {
          p_identities: Json
          p_whatsapp_name?: string
        }
        Returns: string
      }
      resolve_group_contact: {
        Args: {
          p_group_jid: string
          p_name?: string
        }
        Returns: string
      }
      retry_failed_message: {
        Args: {
          p_message_id: string
        }
        Returns: Database['public']['Tables']['messages']['Row']
        SetofOptions: { from: '*', to: 'messages', isOneToOne: true, isSetofReturn: false }
      }
      revoke_api_key: {
        Args: {
          p_key_id: string
        }
        Returns: Database['public']['Tables']['api_keys']['Row']
        SetofOptions: { from: '*', to: 'api_keys', isOneToOne: true, isSetofReturn: false }
      }
      run_inactivity_rules: {
        Args: {
          p_now?: string
        }
        Returns: Json
      }
      save_chatbot: {
        Args: {
          p_channel_id: string
          p_settings?: Json
          p_options?: Json
          p_expected_updated_at?: string
        }
        Returns: Json
      }
      search_contacts: {
        Args: {
          p_query: string
          p_limit?: number
        }
        Returns: Database['public']['Tables']['contacts']['Row'][]
        SetofOptions: { from: '*', to: 'contacts', isOneToOne: false, isSetofReturn: true }
      }
      search_messages: {
        Args: {
          p_query: string
          p_ticket_id?: string
          p_limit?: number
          p_cursor?: string
        }
        Returns: {
          message_id: string
          ticket_id: string
          ticket_number: number
          contact_id: string
          contact_name: string
          created_at: string
          kind: string
          direction: string
          snippet: string
          rank: number
          next_cursor: string
        }[]
      }
      send_message: {
        Args: {
          p_ticket_id: string
          p_kind?: string
          p_body?: string
          p_media_path?: string
          p_media_mime?: string
          p_media_name?: string
          p_media_size?: number
          p_is_voice_note?: boolean
          p_quoted_message_id?: string
          p_client_id?: string
        }
        Returns: Database['public']['Tables']['messages']['Row']
        SetofOptions: { from: '*', to: 'messages', isOneToOne: true, isSetofReturn: false }
      }
      transfer_ticket: {
        Args: {
          p_ticket_id: string
          p_to_team_id?: string
          p_to_agent_id?: string
          p_note?: string
        }
        Returns: Database['public']['Tables']['tickets']['Row']
        SetofOptions: { from: '*', to: 'tickets', isOneToOne: true, isSetofReturn: false }
      }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type PublicSchema = Database['public']

export type Tables<Name extends keyof PublicSchema['Tables']> = PublicSchema['Tables'][Name]['Row']
export type TablesInsert<Name extends keyof PublicSchema['Tables']> = PublicSchema['Tables'][Name]['Insert']
export type TablesUpdate<Name extends keyof PublicSchema['Tables']> = PublicSchema['Tables'][Name]['Update']
export type Views<Name extends keyof PublicSchema['Views']> = PublicSchema['Views'][Name]['Row']
export type Functions<Name extends keyof PublicSchema['Functions']> = PublicSchema['Functions'][Name]

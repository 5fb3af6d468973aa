/**
 * Database types in the shape `supabase gen types typescript` produces, for the tables and functions
 * the app uses. Regenerate (or extend by hand, keeping this shape) when a migration changes them:
 * `createClient<Database>` then type-checks every query and RPC against the schema.
 */
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

type ProfileRow = {
  id: string
  full_name: string
  email: string | null
  role: 'admin' | 'supervisor' | 'agent' | 'observer'
  active: boolean
  theme: 'light' | 'dark' | 'system'
  created_at: string
  updated_at: string
}

export type Database = {
  __InternalSupabase: {
    PostgrestVersion: '12'
  }
  public: {
    Tables: {
      profiles: {
        Row: ProfileRow
        Insert: Partial<ProfileRow> & Pick<ProfileRow, 'id' | 'full_name'>
        // Users may change only these columns of their own profile (column grants).
        Update: Partial<Pick<ProfileRow, 'full_name' | 'theme'>>
        Relationships: []
      }
      teams: {
        Row: { id: string, name: string, color: string, created_at: string }
        Insert: { id?: string, name: string, color?: string, created_at?: string }
        Update: { id?: string, name?: string, color?: string, created_at?: string }
        Relationships: []
      }
      team_members: {
        Row: { team_id: string, user_id: string, created_at: string }
        Insert: { team_id: string, user_id: string, created_at?: string }
        Update: { team_id?: string, user_id?: string, created_at?: string }
        Relationships: [
          { foreignKeyName: 'team_members_team_id_fkey', columns: ['team_id'], isOneToOne: false, referencedRelation: 'teams', referencedColumns: ['id'] },
          { foreignKeyName: 'team_members_user_id_fkey', columns: ['user_id'], isOneToOne: false, referencedRelation: 'profiles', referencedColumns: ['id'] },
        ]
      }
    }
    Views: { [_ in never]: never }
    Functions: {
      my_profile: {
        Args: never
        Returns: ProfileRow
        SetofOptions: { from: '*', to: 'profiles', isOneToOne: true, isSetofReturn: false }
      }
    }
    Enums: { [_ in never]: never }
    CompositeTypes: { [_ in never]: never }
  }
}

type PublicSchema = Database['public']

export type Tables<Name extends keyof PublicSchema['Tables']> = PublicSchema['Tables'][Name]['Row']
export type TablesUpdate<Name extends keyof PublicSchema['Tables']> = PublicSchema['Tables'][Name]['Update']
